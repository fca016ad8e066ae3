# The README names these targets. Each script explains itself.
.PHONY: demo test lint messages

demo:  ## install and start the app with the demo municipality (SQLite)
	scripts/demo

test:  ## install what tests need and run the whole suite on SQLite and PostgreSQL
	scripts/test

lint:  ## fix formatting and lint issues in place
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

messages:  ## refresh the Swedish translation catalogue after changing UI text
	cd src/sammanhang && ../../.venv/bin/python -m django makemessages -l sv --no-obsolete --add-location file
