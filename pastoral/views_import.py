from django.http import HttpResponse


def pupil_import(request):
    return HttpResponse(status=501)


def pupil_import_template(request):
    return HttpResponse(status=501)
