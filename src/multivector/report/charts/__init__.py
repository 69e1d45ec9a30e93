"""The report's charts: one function per chart, profile frames in, a Vega-Lite chart out.

One module per section of the report (:mod:`.balance` holds the front page's composite too);
:mod:`.common` holds the configuration, the colours and the helpers every chart shares.
"""
