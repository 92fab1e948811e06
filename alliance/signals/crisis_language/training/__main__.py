from alliance.signals.crisis_language.training.train import write

write()
