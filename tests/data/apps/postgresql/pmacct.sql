--
-- # su - postgres  (or whatever your database runs as ... usually postgres)
-- $ psql -d pmacct -f pmacct-create-table_v9.pgsql 
--

-- Tables 
DROP TABLE IF EXISTS acct_v9;
CREATE TABLE acct_v9 (
    tag BIGINT NOT NULL DEFAULT 0,
    class_id CHAR(16) NOT NULL DEFAULT ' ',
    mac_src macaddr NOT NULL DEFAULT '0:0:0:0:0:0',
    mac_dst macaddr NOT NULL DEFAULT '0:0:0:0:0:0',
    vlan INT NOT NULL DEFAULT 0,
    as_src BIGINT NOT NULL DEFAULT 0,
    as_dst BIGINT NOT NULL DEFAULT 0,
    ip_src inet NOT NULL DEFAULT '0.0.0.0',
    ip_dst inet NOT NULL DEFAULT '0.0.0.0',
    port_src INT NOT NULL DEFAULT 0,
    port_dst INT NOT NULL DEFAULT 0,
    tcp_flags SMALLINT NOT NULL DEFAULT 0,
    ip_proto SMALLINT NOT NULL DEFAULT 0,
    tos INT NOT NULL DEFAULT 0,
    packets INT NOT NULL,
    bytes BIGINT NOT NULL,
    flows INT NOT NULL DEFAULT 0,
    stamp_inserted timestamp without time zone NOT NULL DEFAULT '0001-01-01 00:00:00', 
    stamp_updated timestamp without time zone,
    CONSTRAINT acct_v9_pk PRIMARY KEY (tag, class_id, mac_src, mac_dst, vlan, as_src, as_dst, ip_src, ip_dst, port_src, port_dst, ip_proto, tos, stamp_inserted)
);

DROP TABLE IF EXISTS proto;
CREATE TABLE proto (
    num SMALLINT NOT NULL,
    description CHAR(20),
    CONSTRAINT proto_pk PRIMARY KEY (num)
);


-- Perms
GRANT SELECT, INSERT, UPDATE, DELETE ON acct_v9 TO pmacct;
GRANT SELECT, INSERT, UPDATE, DELETE ON proto TO pmacct;
