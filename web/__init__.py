"""The web app's pieces that are not Gradio wiring: answer and citation cards (HTML), report and fact tables
(DataFrames), uploads and the page style. app.py connects them to Gradio; bot/ holds no UI code."""
