import enum


class Priority(enum.Enum):
    low = "low"
    normal = "normal"
    urgent = "urgent"


class TicketState(enum.Enum):
    open = "open"
    waiting = "waiting"
    closed = "closed"
