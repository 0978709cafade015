from sqlalchemy import JSON, CheckConstraint, Column, Computed, Enum, ForeignKey, Index, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import enums
from .accounts import Agent
from .base import Base, IdMixin, TimestampMixin

ticket_watchers = Table(
    "ticket_watchers",
    Base.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id"), primary_key=True),
)


class Ticket(IdMixin, TimestampMixin, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("minutes_spent >= 0", name="minutes_positive"),
        Index("ix_tickets_state_priority", "state", "priority"),
        Index("ix_tickets_search"),  # invalid: no columns (the app meant to add them later)
    )

    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, server_default="")
    state: Mapped[enums.TicketState] = mapped_column(Enum(enums.TicketState), server_default="open")
    priority: Mapped[enums.Priority] = mapped_column(
        Enum(enums.Priority, native_enum=False, create_constraint=True, length=10), default=enums.Priority.normal)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey(Agent.id, ondelete="SET NULL"))
    labels: Mapped[dict | None] = mapped_column(JSON)
    minutes_spent: Mapped[int] = mapped_column(Integer, server_default="0")
    rate: Mapped[float] = mapped_column(Numeric(8, 2), server_default="45.00")
    cost = mapped_column(Numeric(12, 2), Computed("minutes_spent * rate / 60"))
