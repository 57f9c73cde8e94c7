from rest_framework.routers import DefaultRouter

# One router for the whole API, so /api/ lists every resource; each app's api/urls.py
# registers its viewsets here.
router = DefaultRouter()
