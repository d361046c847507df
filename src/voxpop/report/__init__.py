"""Reports: the PDF of a dashboard and the weekly emailed report."""
