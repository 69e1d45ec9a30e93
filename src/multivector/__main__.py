from multivector.cli import app

app(prog_name="multivector")
