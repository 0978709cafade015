"""CREATE INDEX, and an index element's text.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.deparse import deparse
from schemalens.dialects.postgresql.files.nodes import Json, column_refs, names_of
from schemalens.dialects.postgresql.files.properties import storage_options
from schemalens.dialects.postgresql.files.renamed import Directives
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.names import default_constraint_name, quote_ident
from schemalens.model import Index


class Indexes(Directives):
    """CREATE INDEX."""

    def _IndexStmt(self, stmt: Stmt, body: Json) -> None:
        rv = body["relation"]
        span = self.stmt_span(stmt)
        table = self.find_table(rv)
        name = body.get("idxname")
        if table is None:
            if self.is_unmanaged_rel(rv):
                self.not_managed("index", name or f"on {self.rel_name(rv)}", span,
                                 "its table is not managed")
            else:
                self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                           self.name_span(stmt, rv))
            return
        if name and body.get("if_not_exists") and self.has_relation((table.schema, name)):
            return
        elements = body.get("indexParams", [])
        used = set()
        for e in elements:
            elem = e["IndexElem"]
            used |= {elem["name"]} if elem.get("name") else column_refs(elem.get("expr"))
        include = [e["IndexElem"]["name"] for e in body.get("indexIncludingParams", ())]
        missing = sorted(k for k in used | set(include) | column_refs(body.get("whereClause"))
                         if self.col(table, k) is None)
        if missing:
            self.error("unknown-column", f'column "{missing[0]}" does not exist', span)
            return
        index = Index(name, [], unique=bool(body.get("unique")),
                      method=body.get("accessMethod", "btree"), include=include,
                      nulls_not_distinct=bool(body.get("nulls_not_distinct")), span=span)
        if name:
            index.renamed_from = self.statement_directive(stmt)
        if name and not self.register(table.schema, name, "index", index, table, span):
            return
        if not name:  # known by the name PostgreSQL gives it, for a later DROP, ALTER or COMMENT
            index.columns = [index_element(e["IndexElem"]) for e in elements]
            taken = {n for s, n in [*self.relations, *self.unmanaged_relations] if s == table.schema}
            self.set_relation((table.schema, default_constraint_name(table, index, taken)), ("index", index, table))
        deferred = self.extra[id(table)].deferred
        deferred[(id(index), "columns")] = (index, "columns", elements)
        if body.get("whereClause"):
            index.where = ""
            deferred[(id(index), "where")] = (index, "where", body["whereClause"])
        table.indexes.append(index)
        index.storage = storage_options(body.get("options", []), table=False)
        if body.get("tableSpace"):
            self.not_managed("tablespace of index", name or "(unnamed)", span)


def index_element(elem: Json) -> str:
    if elem.get("name"):
        text = quote_ident(elem["name"])
    else:
        expr = elem["expr"]
        text = deparse(expr)
        call = expr.get("FuncCall", {}).get("funcformat") == "COERCE_EXPLICIT_CALL"
        if not call or text.startswith("("):
            text = f"({text})"
    if elem.get("collation"):
        text += " COLLATE " + ".".join(quote_ident(n) for n in names_of(elem["collation"]))
    if elem.get("opclass"):
        text += " " + ".".join(quote_ident(n) for n in names_of(elem["opclass"]))
    ordering = elem.get("ordering")
    if ordering == "SORTBY_DESC":
        text += " DESC"
    elif ordering == "SORTBY_ASC":
        text += " ASC"
    nulls = elem.get("nulls_ordering")
    if nulls == "SORTBY_NULLS_FIRST":
        text += " NULLS FIRST"
    elif nulls == "SORTBY_NULLS_LAST":
        text += " NULLS LAST"
    return text
