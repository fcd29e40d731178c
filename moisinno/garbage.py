"""The garbage collector of a web worker: collected after each response, not in the middle of
a request.

A page builds a graph of objects that lives until its response is written: forms, their bound
fields and widgets, the admin's helpers, template contexts. With Python's default threshold (a
collection of the youngest generation every 2,000 new container objects), a back-office page
triggered about two collections while it was being built, each traversing that whole live
graph only to promote it, and an older generation's collection every few pages: 4–5 ms of an
event's change page of 50 (`bench/staff_time.py`, median of 60 requests). Once the response
is written, that graph is gone, freed by reference counting; what is left for the collector
is the cyclic garbage of the request, about 2,500 objects: collecting it then costs about
1.3 ms, and not while the visitor waits.

gunicorn.conf.py calls `settle_worker()` once the worker has loaded the application (the
objects alive then, the application's own, are frozen out of every later collection) and
`collect_after_request()` after each response (`post_request`: the response already sent).
A request that allocates more than `REQUEST_THRESHOLD` new objects still gets a collection
along the way, as before, so memory stays bounded. The collections after the responses follow
Python's own schedule for the older generations: the middle one every `threshold1`
collections of the youngest, the oldest every `threshold2` of the middle one.
"""

import gc

#: The youngest generation's threshold during a request (Python's default: 2,000). A larger
#: request still gets collected along the way.
REQUEST_THRESHOLD = 100_000
#: Below this many new objects since the last collection, a response leaves nothing worth a
#: collection (a cached page, a redirect): none then.
AFTER_RESPONSE_MINIMUM = 2_000


def settle_worker() -> None:
    """The application is loaded: collect once, freeze what is alive (the application's own
    objects, never garbage) and let requests run without collections below the threshold."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(REQUEST_THRESHOLD, middle, oldest)


def collect_after_request() -> None:
    """Collect the cyclic garbage the request left, with the older generations when Python's
    own schedule would (their counts against their thresholds)."""
    young, middle, oldest = gc.get_count()
    if young < AFTER_RESPONSE_MINIMUM:
        return
    _, middle_threshold, oldest_threshold = gc.get_threshold()
    if oldest >= oldest_threshold:
        gc.collect(2)
    elif middle >= middle_threshold:
        gc.collect(1)
    else:
        gc.collect(0)
