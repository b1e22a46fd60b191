# The app's first migration is empty: registration (0002) and help requests (0003) build on it.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = []
