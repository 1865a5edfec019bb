"""The account managers' web view of the published BI database (Streamlit).

``queries`` holds every SQL statement the app runs (plain functions: connection in, pandas out);
``app`` is the Streamlit UI. Run it with ``streamlit run python/customer360/webapp/app.py -- --bi
<file>`` or ``python -m customer360.webapp --bi <file>``; it opens the BI file only through
``customer360.privacy.reader.connect_bi`` (read-only, no external access).
"""
