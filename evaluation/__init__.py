"""The ranking's evaluation harness: data sets loaded through the real importers, ranked by the real match().

Above the core and the importers (it drives both), like web/; `python -m evaluation DATASET_DIR`.
"""
