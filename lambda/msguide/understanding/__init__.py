"""Finding what was meant, apart from saying it.

One text normaliser (normalize) feeds every reader. Safety triage (triage) runs
first on every piece of words; the lexical search (search) and the learned
classifier with its urgent detector (classifier) rank topics; the decision policy
(policy, thresholds as data) turns a ranking into answer, confirm, not covered or
decline; carriers says which intents carry free-form words and puts back the words a
carrier phrase took; soundalike respells misheard names. Nothing here speaks.
"""
