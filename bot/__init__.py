"""The botbuilder edge: the only package (with app.py) that imports botbuilder/botframework."""
