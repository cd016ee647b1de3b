"""Maintainer tools: labeled data in, a model directory out. Serving never imports this package.

The data flow, one module per stage::

    training_data/docs/*.tsv  ─► corpus   read + validate labeled documents (label<TAB>text rows,
    training_data/junk/*.tsv              glued lines as ``body|caption@N``, known labels only)
                              ─► synth    junk generator + junk bank: scraped-looking variants
                              ─► pages    some variants rendered as HTML pages, parsed back by
                                          the same HTML parser serving uses
                              ─► train    core segmentation + features (the serving code), labels
                                          per segment, first pass and tree second pass fitted by
                                          scikit-learn, exported as arrays (see ``export``)
                              ─► models/  model.npz + manifest.json, data only, no pickle
    scraped folders           ─► suggest  the lines the model is least sure about, prefilled
                                          for a maintainer to correct and add to training_data/

Everything here needs the ``train`` extra (scikit-learn, Faker); the serving path
(:mod:`textsieve.clean`) needs neither. Same data + same seed give the same model.
"""
