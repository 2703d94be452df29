"""Reports define no figures of their own: they read every app's (``core.indicators``)."""
