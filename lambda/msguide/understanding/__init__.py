"""Finding what was meant, apart from saying it: misheard names (soundalike), the
decision policy (policy). Triage (msguide.triage), search (msguide.search) and the
classifier (msguide.understand) are to move here too."""
