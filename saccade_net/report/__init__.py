"""`saccade-net report`: one comparison report (Markdown, a self-contained HTML page, PNG figures and
every number in JSON) from trained runs.

    runs.py       what a run directory holds (config, summary, learning curve, Brian2 replays) and its role
    energy.py     spikes, synaptic events, dense multiply-accumulates and the energy estimate per decision
    mechanism.py  the ablations and the agreement between the models
    gather.py     every number of the report, measured on the runs and the data
    claims.py     the paper's claims, each with its evidence and a verdict computed from those numbers
    figures.py    the figures (matplotlib, Agg)
    document.py   a tiny document model written out as Markdown and as HTML
    sections.py   the report's text, tables and figures, from the numbers
    build.py      the whole: gather, draw, write (`build_report`)
"""


class ReportError(Exception):
    """Runs or data the report cannot use together (e.g. another panel size). Defined here, apart from
    the modules that import matplotlib, so the command line can catch it without importing them."""
