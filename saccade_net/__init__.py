"""The saccadic spiking network and its application layer: synthetic saccades and a foveated retina,
Spiking Neural Units, the saccadic network, Brian2 replay, and training, evaluation and the
`saccade-net` command line.

Modules (import them directly; this package imports nothing heavy on its own):
canvas (the six panels on one sheet), scanpath (fixations, saccade timing, policies), retina
(foveated glimpses), snu (the SNU layer and surrogate gradients), network (SaccadicNet), show (figures).
"""
