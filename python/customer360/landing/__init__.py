"""The landing folder against the raw-data contract, read without dbt.

- ``contract``: each source table's columns, types, required flags, file and format, and which systems
  the vars switch on, read from ``models/staging/*/_*__sources.yml`` and ``dbt_project.yml``;
- ``inspect``: what a landing file holds against its table's contract (``inspect_file``) and the whole
  folder against the enabled systems (``inspect_landing``), as reports that name files, columns and
  counts but never a row's content.

``customer360 doctor`` prints these reports before a build.
"""
