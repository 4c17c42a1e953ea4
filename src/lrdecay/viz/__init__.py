"""Drawing and logging schedules: plots, TensorBoard event files, an HTML report, the gallery.

Nothing here holds schedule logic: these modules evaluate schedules and show the values. Each
imports its heavy dependency (matplotlib, tensorboard) only when called, so importing
:mod:`lrdecay.viz` is cheap, and ``pip install 'lrdecay[plot,tensorboard]'`` provides them.

* :func:`plot_schedules` (:mod:`lrdecay.viz.plot`): named schedules over a step range to a PNG,
  SVG or PDF file.
* :func:`write_scalars` (:mod:`lrdecay.viz.tensorboard`): scalar curves to a TensorBoard event
  file, without TensorFlow.
* :func:`write_report` (:mod:`lrdecay.viz.report`): a self-contained HTML page of figures.
* :func:`render_gallery` (:mod:`lrdecay.viz.gallery`): the schedules of the survey of TensorFlow
  1's learning-rate decay strategies, with all of the above (``lrdecay gallery``).
"""

from lrdecay.viz.gallery import GalleryResult, render_gallery
from lrdecay.viz.plot import Plotter, plot_schedules
from lrdecay.viz.report import ReportEntry, write_report
from lrdecay.viz.tensorboard import write_scalars

__all__ = [
    "GalleryResult",
    "Plotter",
    "ReportEntry",
    "plot_schedules",
    "render_gallery",
    "write_report",
    "write_scalars",
]
