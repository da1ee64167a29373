"""Pure decision logic behind the controls: no AWS calls, only evidence in, verdicts out.

Each module holds the rules of one kind of AWS document (bucket policies, trail event
selectors), so they can be tested on their own, document by document.
"""
