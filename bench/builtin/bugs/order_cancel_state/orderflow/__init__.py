from orderflow.order import CannotCancel, InvalidTransition, Order, Status

__all__ = ["CannotCancel", "InvalidTransition", "Order", "Status"]
