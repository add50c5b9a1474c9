"""Second baseline: the hello world with memory the way skill samples add it.

The SDK's DynamoDbAdapter, built when the module is imported, with a request
interceptor that loads the user's persistent attributes on every request and
a response interceptor that saves them (a visit count). bench/cold_dynamodb.py
measures it beside bench/baseline and the skill.
"""

import os

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_dynamodb.adapter import DynamoDbAdapter


class Launch(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        visits = handler_input.attributes_manager.persistent_attributes.get("visits", 0)
        return handler_input.response_builder.speak("Hello! Visit %d. Say hello." % visits).ask(
            "Say hello.").response


class Hello(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("HelloWorldIntent")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello world!").ask("Anything else?").response


class Other(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Goodbye!").set_should_end_session(True).response


class LoadMemory(AbstractRequestInterceptor):
    def process(self, handler_input):
        handler_input.attributes_manager.persistent_attributes  # noqa: B018 - reading it loads the record


class SaveMemory(AbstractResponseInterceptor):
    def process(self, handler_input, response):
        attributes = handler_input.attributes_manager.persistent_attributes
        attributes["visits"] = int(attributes.get("visits", 0)) + 1
        handler_input.attributes_manager.save_persistent_attributes()


class Errors(AbstractExceptionHandler):
    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        return handler_input.response_builder.speak("Sorry.").ask("Sorry.").response


sb = CustomSkillBuilder(persistence_adapter=DynamoDbAdapter(
    table_name=os.environ.get("MSGUIDE_TABLE", "memory"), create_table=False))
for request_handler in (Launch(), Hello(), Other()):
    sb.add_request_handler(request_handler)
sb.add_global_request_interceptor(LoadMemory())
sb.add_global_response_interceptor(SaveMemory())
sb.add_exception_handler(Errors())
handler = sb.lambda_handler()
