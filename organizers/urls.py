app_name = "organizers"

urlpatterns: list = []
