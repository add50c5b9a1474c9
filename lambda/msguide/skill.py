"""The one skill object both doors (Lambda and the web endpoint) serve."""

from ask_sdk_core.skill_builder import SkillBuilder

from .content import default_content
from .handlers import exception_handlers, request_handlers


def build_skill():
    """Validate the content and assemble a CustomSkill."""
    default_content()          # fail at start-up, not mid-conversation
    builder = SkillBuilder()
    for handler in request_handlers():
        builder.add_request_handler(handler)
    for handler in exception_handlers():
        builder.add_exception_handler(handler)
    return builder.create()
