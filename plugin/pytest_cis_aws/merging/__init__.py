"""``cis-merge`` at organisation scale: shards' findings files read as streams.

A thousand accounts are over a million findings; holding each as a dict takes gigabytes.
``files`` reads a findings file one finding at a time, ``state`` counts them as they pass
and hands the writers one sorted stream, merged from the shards' own sorted streams.
"""
