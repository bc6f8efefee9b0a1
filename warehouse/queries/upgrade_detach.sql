-- Close the upgraded copy, written whole into its file first: this connection never
-- checkpoints on its own (warehouse/db.py), and the copy must leave no log behind.
checkpoint newsmon_upgrade;
detach newsmon_upgrade;
