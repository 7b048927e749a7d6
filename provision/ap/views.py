"""Views for alternative provision: fetch → form → service → message → redirect."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def dashboard(request):
    return HttpResponse("")
