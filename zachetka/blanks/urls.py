from django.urls import path

from zachetka.blanks import views

app_name = "blanks"
urlpatterns = [
    path("blanks/", views.stock, name="stock"),
    path("blanks/stock.xlsx", views.stock_xlsx, name="stock_xlsx"),
    path("blanks/receive/", views.receipt_create, name="receipt_create"),
    path("blanks/write-off/", views.write_off_create, name="write_off_create"),
    path("blanks/<int:pk>/", views.blank_detail, name="blank_detail"),
    path("blanks/acts/<int:pk>/", views.act_detail, name="act_detail"),
]
