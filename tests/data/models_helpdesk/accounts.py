from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TableNameMixin, TimestampMixin


class Team(IdMixin, TableNameMixin, Base):
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, server_default="1")
    members: Mapped[list["Agent"]] = relationship(back_populates="team")


class Agent(IdMixin, TimestampMixin, TableNameMixin, Base):
    __table_args__ = (UniqueConstraint("team_id", "handle"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    handle: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    max_open: Mapped[int] = mapped_column(server_default="0")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    team: Mapped[Team] = relationship(back_populates="members")
