"""Chat models behind one protocol: an OpenAI-compatible client and a scripted model."""

from swebot.models.base import ContextTooLong, Message, Model, ModelReply, ToolCall, Usage
from swebot.models.pricing import CostMeter, Price, find_price
from swebot.models.scripted import ScriptedModel

__all__ = [
    "ContextTooLong",
    "CostMeter",
    "Message",
    "Model",
    "ModelReply",
    "Price",
    "ScriptedModel",
    "ToolCall",
    "Usage",
    "find_price",
]
