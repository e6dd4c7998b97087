from django.urls import URLPattern, URLResolver

app_name = "orientations"

urlpatterns: list[URLPattern | URLResolver] = []
