"""The report's sections, one module per topic: each turns a profile into a
:class:`multivector.report.tree.Section` of figures, tables and paragraphs."""
