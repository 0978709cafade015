--
-- PostgreSQL database dump
--

\restrict IJeGpuwMLeeqFSSlYMAjO4OhYoqvtlLueCeRbltEHvYWgFCvsK0qRrqFk3eQKxw

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: shop; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA shop;


ALTER SCHEMA shop OWNER TO postgres;

--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: status; Type: TYPE; Schema: shop; Owner: postgres
--

CREATE TYPE shop.status AS ENUM (
    'new',
    'paid',
    'shipped'
);


ALTER TYPE shop.status OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: notes; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.notes (
    id integer NOT NULL,
    body text
);


ALTER TABLE public.notes OWNER TO postgres;

--
-- Name: invoice_no; Type: SEQUENCE; Schema: shop; Owner: postgres
--

CREATE SEQUENCE shop.invoice_no
    START WITH 1000
    INCREMENT BY 5
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE shop.invoice_no OWNER TO postgres;

--
-- Name: orders; Type: TABLE; Schema: shop; Owner: postgres
--

CREATE TABLE shop.orders (
    id integer NOT NULL,
    customer_id bigint NOT NULL,
    status shop.status DEFAULT 'new'::shop.status NOT NULL,
    total numeric(12,2),
    invoice integer DEFAULT nextval('shop.invoice_no'::regclass),
    uuid uuid DEFAULT gen_random_uuid(),
    doubled numeric GENERATED ALWAYS AS ((total * (2)::numeric)) STORED,
    CONSTRAINT orders_total_check CHECK ((total >= (0)::numeric))
);


ALTER TABLE shop.orders OWNER TO postgres;

--
-- Name: TABLE orders; Type: COMMENT; Schema: shop; Owner: postgres
--

COMMENT ON TABLE shop.orders IS 'orders; with a semicolon';


--
-- Name: COLUMN orders.total; Type: COMMENT; Schema: shop; Owner: postgres
--

COMMENT ON COLUMN shop.orders.total IS 'it''s the total';


--
-- Name: big_orders; Type: VIEW; Schema: shop; Owner: postgres
--

CREATE VIEW shop.big_orders AS
 SELECT orders.id,
    orders.customer_id,
    orders.status,
    orders.total,
    orders.invoice,
    orders.uuid,
    orders.doubled
   FROM shop.orders
  WHERE (orders.total > (100)::numeric);


ALTER TABLE shop.big_orders OWNER TO postgres;

--
-- Name: customers; Type: TABLE; Schema: shop; Owner: postgres
--

CREATE TABLE shop.customers (
    id bigint NOT NULL,
    email text NOT NULL,
    name character varying(100) DEFAULT 'anonymous'::character varying,
    tags text[] DEFAULT '{}'::text[],
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE shop.customers OWNER TO postgres;

--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: shop; Owner: postgres
--

ALTER TABLE shop.customers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME shop.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: shop; Owner: postgres
--

CREATE SEQUENCE shop.orders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE shop.orders_id_seq OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: shop; Owner: postgres
--

ALTER SEQUENCE shop.orders_id_seq OWNED BY shop.orders.id;


--
-- Name: orders id; Type: DEFAULT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders ALTER COLUMN id SET DEFAULT nextval('shop.orders_id_seq'::regclass);


--
-- Data for Name: notes; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.notes (id, body) FROM stdin;
1	tab\there; semicolon
2	back\\slash
\.


--
-- Data for Name: customers; Type: TABLE DATA; Schema: shop; Owner: postgres
--

COPY shop.customers (id, email, name, tags, created_at) FROM stdin;
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: shop; Owner: postgres
--

COPY shop.orders (id, customer_id, status, total, invoice, uuid) FROM stdin;
\.


--
-- Name: customers_id_seq; Type: SEQUENCE SET; Schema: shop; Owner: postgres
--

SELECT pg_catalog.setval('shop.customers_id_seq', 1, false);


--
-- Name: invoice_no; Type: SEQUENCE SET; Schema: shop; Owner: postgres
--

SELECT pg_catalog.setval('shop.invoice_no', 1000, false);


--
-- Name: orders_id_seq; Type: SEQUENCE SET; Schema: shop; Owner: postgres
--

SELECT pg_catalog.setval('shop.orders_id_seq', 1, false);


--
-- Name: notes notes_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);


--
-- Name: customers customers_email_key; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.customers
    ADD CONSTRAINT customers_email_key UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_invoice_key; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_invoice_key UNIQUE NULLS NOT DISTINCT (invoice) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_lower; Type: INDEX; Schema: shop; Owner: postgres
--

CREATE INDEX orders_lower ON shop.orders USING btree (lower((uuid)::text) DESC NULLS LAST);


--
-- Name: orders_status_idx; Type: INDEX; Schema: shop; Owner: postgres
--

CREATE INDEX orders_status_idx ON shop.orders USING btree (status) WHERE (status <> 'shipped'::shop.status);


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES shop.customers(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict IJeGpuwMLeeqFSSlYMAjO4OhYoqvtlLueCeRbltEHvYWgFCvsK0qRrqFk3eQKxw

