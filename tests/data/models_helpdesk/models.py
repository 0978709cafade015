"""Every model of the help desk: the module the settings name."""
from .accounts import Agent, Team
from .base import Base
from .tickets import Ticket, ticket_watchers

__all__ = ["Agent", "Base", "Team", "Ticket", "ticket_watchers"]
