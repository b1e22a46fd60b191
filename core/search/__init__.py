"""Chinese full-text search behind Wagtail's search backend interface (jieba segmentation).

`backend` is what WAGTAILSEARCH_BACKENDS names; `segment` turns text into index and query words;
`highlight` marks those words in titles and snippets. Imports no app.
"""
