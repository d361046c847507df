from voxpop.cli.main import app

app()
