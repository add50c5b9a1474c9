"""Talk to the skill without a speaker: words -> intent (nlu), envelopes, chat CLI."""

import os

# The built voice model is read from the checkout (skill-package/), beside this package.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
