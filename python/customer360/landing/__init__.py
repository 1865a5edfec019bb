"""Landing: the files a company exports, checked against the raw-data contract.

- ``files``: what one landing file is before its rows are read (present, size, time, header), used by the
  build's landing step through a DuckDB function (``plugin``);
- ``contract``: each source table's columns, types, required flags, file and format, and which systems
  the vars switch on, read from ``models/staging/*/_*__sources.yml`` and ``dbt_project.yml``;
- ``inspect`` and ``doctor``: the whole folder against the enabled systems, as reports that name files,
  columns and counts but never a row's content (``customer360 doctor`` prints them before a build).
"""
