"""The saccadic spiking network and its application layer: synthetic saccades and a foveated retina,
Spiking Neural Units, the saccadic network, Brian2 replay, and training, evaluation and the
`saccade-net` command line."""
