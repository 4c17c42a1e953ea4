"""Framework dialects: each framework's own names and quirks, built from core schedules.

* :mod:`lrdecay.compat.tf1` — ``tf.compat.v1.train.*`` decay functions and the seed's three.

A dialect holds no formula of its own: every constructor validates its arguments under the
framework's names and returns a composition of :mod:`lrdecay.curves` and
:mod:`lrdecay.combinators`.
"""
