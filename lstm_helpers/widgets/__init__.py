"""Widget callbacks and builders, one module per notebook.

Each module keeps the drawing logic in plain functions (``make_*_figure``, ``update_*``) that
take values and update a matplotlib figure's data; they are unit-tested headless. The
ipywidgets wiring (``*_widget()``) only connects sliders to those functions.
"""
