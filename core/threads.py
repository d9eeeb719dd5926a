"""Work in another thread with its own database connection (bulk imports, #16).

Django gives each thread its own connection; one opened for such work is closed when the work
ends, whatever it raised. Only outside a transaction: the other connection does not see what
this one has not committed.
"""

import threading

from django.db import connections


class InThread:
    """`InThread(func, *args)` starts `func(*args)` in another thread; `result()` waits for it
    and gives its value, or raises what it raised."""

    def __init__(self, func, *args):
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(func, args), daemon=True)
        self._thread.start()

    def _run(self, func, args):
        try:
            self._value = func(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            connections.close_all()  # this thread's connections only

    def wait(self) -> None:
        self._thread.join()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
