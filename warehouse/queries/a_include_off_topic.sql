-- The views count articles that name a [focus] entity; this session asks for all of them.
set variable include_off_topic = true
