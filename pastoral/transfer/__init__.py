"""A whole school out of one deployment and into another (manage.py export_school / import_school).

placement.py decides which rows belong to a school, exporter.py writes the archive, importer.py reads it into this
deployment, archive.py holds the format's names and checks. The format is documented in
docs/school-export-format.md. The core never imports a duty app: models come from Django's app registry.
"""
