print("serve bench")
