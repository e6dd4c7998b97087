"""Django project configuration: settings read from the environment, URL map, WSGI/ASGI entry points."""
