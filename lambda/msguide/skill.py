"""The one skill object both doors (Lambda and the web endpoint) serve."""

from ask_sdk_core.skill_builder import CustomSkillBuilder

from .alexa_api import StdlibApiClient
from .content import default_content
from .envelope import SafeSkill
from .handlers import exception_handlers, request_handlers, response_interceptors
from .persistence import from_environment


def build_skill(persistence_adapter="from environment", api_client=None, first_handlers=()):
    """Validate the content and assemble a CustomSkill.

    The persistence adapter defaults to the one the environment configures
    (msguide.persistence); pass None for a skill that remembers nothing.
    `first_handlers` are tried before the skill's own (msguide_tools/certcheck.py's
    tests put a deliberately broken one there).
    """
    default_content()          # fail at start-up, not mid-conversation
    if persistence_adapter == "from environment":
        persistence_adapter = from_environment()
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter,
                                 api_client=api_client or StdlibApiClient())
    for interceptor in response_interceptors():
        builder.add_global_response_interceptor(interceptor)
    for handler in list(first_handlers) + request_handlers():
        builder.add_request_handler(handler)
    for handler in exception_handlers():
        builder.add_exception_handler(handler)
    return SafeSkill(skill_configuration=builder.skill_configuration)
