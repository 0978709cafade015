-- The same blog for PostgreSQL: enums, identity, timestamptz, partial and expression indexes.
CREATE TYPE post_state AS ENUM ('draft', 'published', 'archived');

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(320) NOT NULL,
  display_name text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE posts (
  id bigserial PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (length(title) > 0),
  body text NOT NULL DEFAULT '',
  state post_state NOT NULL DEFAULT 'draft',
  published_at timestamptz
);
CREATE INDEX posts_author_idx ON posts (author_id);
CREATE INDEX posts_published_idx ON posts (published_at) WHERE state = 'published';
COMMENT ON TABLE posts IS 'Blog posts; drafts have no published_at.';
