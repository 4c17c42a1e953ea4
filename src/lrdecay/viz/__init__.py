"""Drawing and logging schedules: plots, TensorBoard event files, an HTML report, the gallery.

Nothing here holds schedule logic: these modules evaluate schedules and show the values. Each
imports its heavy dependency (matplotlib, tensorboard) only when called, so importing
:mod:`lrdecay.viz` is cheap, and ``pip install 'lrdecay[plot,tensorboard]'`` provides them.

* :func:`plot_schedules` (:mod:`lrdecay.viz.plot`): named schedules over a step range to a PNG,
  SVG or PDF file; ``lrdecay.plot`` (:func:`lrdecay.viz.plot.plot`) draws them on matplotlib
  axes and returns them.
* :func:`write_scalars` (:mod:`lrdecay.viz.tensorboard`): scalar curves to a TensorBoard event
  file, without TensorFlow; :func:`write_tensorboard`: one run per schedule (``lrdecay
  tensorboard``).
* :func:`write_report` (:mod:`lrdecay.viz.report`): one self-contained, interactive HTML page of
  schedules: chart, facts, configs (``lrdecay report``).
* :mod:`lrdecay.viz.describe`: the facts of a schedule (``lrdecay describe``, ``compare``);
  :mod:`lrdecay.viz.terminal`: the chart drawn as text (``lrdecay show``).
* :func:`render_gallery` (:mod:`lrdecay.viz.gallery`): the schedules of the survey of TensorFlow
  1's learning-rate decay strategies, with all of the above (``lrdecay gallery``).
"""

from lrdecay.viz.gallery import GalleryResult, render_gallery
from lrdecay.viz.plot import Plotter, plot_schedules
from lrdecay.viz.report import ReportEntry, write_report
from lrdecay.viz.tensorboard import write_scalars, write_tensorboard

__all__ = [
    "GalleryResult",
    "Plotter",
    "ReportEntry",
    "plot_schedules",
    "render_gallery",
    "write_report",
    "write_scalars",
    "write_tensorboard",
]
