"""私のデータ / mydata: a person sees what the bot holds about them and has it deleted (APPI).

`holdings` reads it all (store.py), `erase` deletes or anonymises it (erasure.py), handlers.py
shows the card in the person's own chat and asks before deleting. Identity is always the
activity's sender: nothing in a card's data names whose data is shown or deleted.
"""
